"""The web layer: thin blueprints over the domain modules in `app/`."""
