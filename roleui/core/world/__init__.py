"""The merged world of roles as the UI and `list` use it: columns, its cache, filtering, favorites and frecency."""
