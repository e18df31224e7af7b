"""The request machinery every capability uses: security policy, sessions, CSRF, cookies,
headers, retry, the shared-page cache, languages, templates and the layout, forms, notices,
the clock, URLs, fingerprinted static files, and the 503 page of a database outage.
Nothing here knows a capability: they plug into it (cookies, layout values, macros) through
the directives it offers."""


def includeme(config):
    config.include("shopcms.web.clock")
    config.include("shopcms.web.urls")
    config.include("shopcms.web.sharing")
    config.include("shopcms.web.etags")
    config.include("shopcms.web.layout")
    config.include("shopcms.web.personal")
    config.include("shopcms.web.dependencies")
    config.include("shopcms.web.company")
    config.include("shopcms.web.actors")
    config.include("shopcms.web.desk")
    config.include("shopcms.web.i18n")
    config.include("shopcms.web.templates")
    config.include("shopcms.web.cookies")
    config.include("shopcms.web.sessions")
    config.include("shopcms.web.csrf")
    config.include("shopcms.web.security")
    config.include("shopcms.web.forms")
    config.include("shopcms.web.headers")
    config.include("shopcms.web.static")
    config.include("shopcms.web.routes")
    config.include("shopcms.web.errors")
    config.include("shopcms.web.outage")
    config.include("shopcms.web.malformed")
