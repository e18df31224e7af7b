"""Views: thin functions that parse the request, call the domain, and render.

``public/`` holds the site (route ``public``), ``manage/`` the management area (route
``manage``); ``errors`` renders every error page in the site layout.
"""
