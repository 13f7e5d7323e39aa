# The audit chain is read on its own page (auditors); it is never edited in the admin.
