"""The partner master's models; ``kernel_models`` in the addon's ``__init__`` hands them over."""
