"""The object-relational layer: environments, models, fields, domains and schema."""
