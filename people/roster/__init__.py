"""Staff roster import (issue 17): parse.py reads a CSV/XLSX file into rows, validate.py
checks them and plans what each row does, services.py writes the plan in one transaction."""
