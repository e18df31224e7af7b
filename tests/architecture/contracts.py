"""An import-linter contract type of shopcms: capabilities meet only through public APIs.

``public_api``: for the listed ``packages``, a module of one package may import another of
them only through that package's public surface: the package itself (its ``__init__``) or
its ``api`` module.  Everything else in a package (resources, views, schemas, ...) is its
own business.  ``lint-imports`` loads it from ``.importlinter`` (``contract_types``).
"""

from importlinter import Contract, ContractCheck, fields, output


class PublicApiContract(Contract):
    type_name = "public_api"

    packages = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose):
        packages = list(self.packages)
        public = set(self.public or ["api"])
        broken = []
        for owner in packages:
            apis = {f"{owner}.{name}" for name in public}
            for imported in sorted(graph.find_descendants(owner)):
                if imported in apis or any(imported.startswith(f"{api}.") for api in apis):
                    continue
                for importer in sorted(graph.find_modules_that_directly_import(imported)):
                    if importer == owner or importer.startswith(f"{owner}."):
                        continue
                    if not any(importer == p or importer.startswith(f"{p}.") for p in packages):
                        continue
                    lines = [
                        detail["line_number"]
                        for detail in graph.get_import_details(importer=importer, imported=imported)
                    ]
                    broken.append((importer, imported, lines))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check):
        for importer, imported, lines in check.metadata["broken"]:
            where = ", ".join(str(line) for line in lines)
            output.print_error(f"- {importer} -> {imported} (l.{where})", bold=False)
            output.new_line()
        output.print_error(
            "A capability reaches another only through its package or its api module.",
            bold=False,
        )
