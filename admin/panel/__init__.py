"""The web panel: server-rendered pages, one module per page, sharing `kit`. `mount` puts it on
the admin app; `pages` lists the pages, imported at the panel's first request."""
