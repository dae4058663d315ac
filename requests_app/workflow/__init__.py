"""The workflow: every effect that crosses apps, in one place.

The domain apps below (records, deadlines, letters, correspondence, documents, campaigns,
auditlogs) each keep their own models and rules and import only downwards; a change in one
of them returns what it implies instead of acting on another app. This layer acts on it:

- status.py   a status move and all that follows (the clock, an appeal letter);
- replies.py  a communication logged, and the move and clock change it records;
- letters.py  a follow-up or appeal letter recorded as sent;
- invitations.py  a member invited: the invitation and its email;
- law_notes.py  a correction note on a law, and its email to the owners.

Views, the API, tasks and the demo call these; nothing below imports them.
"""
