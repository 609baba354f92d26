"""The mail addon's models; ``addons/mail/__init__.py`` hands them to the kernel."""
