"""The dashboard's figures (`dashboard`), limited to the viewer's cities."""
