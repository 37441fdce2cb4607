"""Import a WordPress site from its export file (WXR, Tools → Export).

`wxr` streams and validates the file, `body` turns post HTML into our story body
and embedded quotes, `importer` maps WordPress records onto ours.
"""
