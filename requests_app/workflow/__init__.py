"""The workflow: every effect that crosses apps, in one place.

The domain apps below (records, deadlines, letters, correspondence, documents, campaigns,
auditlogs) each keep their own models and rules and import only downwards; a change in one
of them returns what it implies instead of acting on another app. This layer acts on it:

- status.py             a status move and all that follows (the clock, an appeal letter);
- replies.py            a communication logged, and the move and clock change it records;
- letters.py            a follow-up or appeal letter recorded as sent;
- sending.py            a request letter emailed (through the outbox) or recorded as sent;
- follow_up_sending.py  a follow-up or appeal letter emailed;
- bulk.py, bulk_jobs.py status moves and background actions on many requests;
- campaigns.py          a campaign's letters emailed;
- reminders.py          the reminder scan, with the follow-ups it drafts (tasks.py);
- invitations.py        a member invited;
- law_notes.py          a correction note on a law sent to the organization's owners.

Views, the API, tasks and the demo call these; nothing below imports them (.importlinter).
"""
