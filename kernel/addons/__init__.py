"""Import namespace of the addons found on the addons path: ``kernel.addons.<name>``.

Nothing lives here; :func:`kernel.plugins.import_addon` places each addon
package under this name so that the addon's relative imports work.
"""
