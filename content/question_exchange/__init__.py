"""Question exchange with other systems: Moodle XML (moodle_xml.py, pure: parse and build,
no database), the bank's questions as exchange data (export.py), and the import service
that checks every question of a file with the editor's own form and writes them all, as
drafts waiting for the two-person review, or none (importer.py)."""
