"""Which BTree a conflict happened in: ``bench/checkout.py --conflicts``.

The server logs each conflict's oid; after the run :func:`btree_labels` opens the storage
and names the oids of the orders folder's tables and the catalog's structures (each tree,
its inner nodes and buckets, and the sets of small forward indexes).
"""


def _tree_oids(tree, label, labels, depth=0):
    """Label ``tree`` (a BTree, TreeSet or bucket) and its inner nodes and buckets."""
    oid = getattr(tree, "_p_oid", None)
    if oid is None or depth > 8:
        return
    labels.setdefault(oid.hex(), label)
    try:
        state = tree.__getstate__()
    except Exception:  # noqa: BLE001 (anything not a BTree node)
        return
    if not isinstance(state, tuple) or not state or not isinstance(state[0], tuple):
        return
    for child in state[0][::2]:
        if hasattr(child, "_p_oid") and child._p_oid is not None:
            kind = (
                "bucket"
                if "Bucket" in type(child).__name__ or "Set" in type(child).__name__
                else "node"
            )
            _tree_oids(child, f"{label} {kind}", labels, depth + 1)


def btree_labels(folder):
    """oid (hex) -> which BTree of the orders folder or the catalog it belongs to, so the
    conflicts can be told apart (``--conflicts``)."""
    import ZODB
    import ZODB.FileStorage

    storage = ZODB.FileStorage.FileStorage(str(folder / "Data.fs"), read_only=True)
    db = ZODB.DB(storage)
    labels = {}
    try:
        with db.transaction() as conn:
            site = conn.root()["site"]
            orders = site["orders"]
            _tree_oids(orders.data, "orders.data", labels)
            for name in ("by_token", "by_reference", "by_customer", "by_guest_email", "counters"):
                _tree_oids(getattr(orders, name), f"orders.{name}", labels)
            catalog = site.catalog
            for name in ("docid_to_path", "path_to_docid"):
                _tree_oids(getattr(catalog, name), f"catalog.{name}", labels)
            for index_name, index in catalog.items():
                for attr in ("_fwd_index", "_rev_index", "_not_indexed", "_num_docs"):
                    tree = getattr(index, attr, None)
                    if tree is None:
                        continue
                    _tree_oids(tree, f"catalog[{index_name}].{attr}", labels)
                    if attr == "_fwd_index" and len(tree) < 200:
                        for key, value in tree.items():
                            _tree_oids(value, f"catalog[{index_name}].fwd[{key!r:.20}]", labels)
    finally:
        db.close()
    return labels
