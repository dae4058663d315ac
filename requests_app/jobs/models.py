"""What every piece of chunked background work records: the base of each kind's job model.

An abstract base rather than one concrete table: each kind keeps its own table and ids
(the URLs, the API and millions of search events point at an import's id), its own
fields (a bulk job's outcomes, an export's ZIP, a rendering's failures) and its own state
labels, and a page reads one row without a join. The runner needs no more than these
columns, under these names, on every kind; the sweep runs one indexed query per kind.
"""

from __future__ import annotations

from django.db import models


class JobState(models.TextChoices):
    """The states the runner moves between; a kind may relabel them or add states of its
    own beyond them (an export "replaced" by a newer one)."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    handled = models.PositiveIntegerField(default=0, help_text="Progress: how much of the total has been handled.")
    total = models.PositiveIntegerField(default=0, help_text="Progress: how much there is to handle.")
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the worker now running a step of the job took it; empty between steps.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        auto_now=True, help_text="Heartbeat: when the job was queued, claimed or last recorded progress.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        indexes = [
            # The sweep's "queued or running, and silent for too long" scan.
            models.Index(fields=["updated_at"], condition=models.Q(state__in=["queued", "running"]),
                         name="%(class)s_active"),
        ]

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


def alias(name: str) -> property:
    """Another name for one of a job's fields, read and set (Model(**kwargs) too): the name
    a kind's pages, API and callers used before its progress moved into the base."""
    return property(lambda job: getattr(job, name), lambda job, value: setattr(job, name, value))


class JobPart(models.Model):
    """A slice of a job that any worker may run beside the others: the way a kind with
    ``parts`` (registry.Parts) puts every core to work on one job.

    The job's first step records its parts (the ids each one handles, in order) and wakes a
    worker for each; a worker claims a part as the runner claims a job, runs it, and adds
    its outcome to the job in the same transaction that marks the part done, so a part run
    twice is counted once. The last part to finish ends the job and deletes the parts; of a
    kind that assembles its parts' work, the parts (and their outcomes) stay until the
    assembly has ended the job, so a sweep finding them all done knows to assemble again."""

    kind = models.CharField(max_length=40)
    job_id = models.PositiveBigIntegerField()
    index = models.PositiveIntegerField()
    items = models.JSONField(default=list, help_text="The ids this part handles, in order.")
    outcome = models.JSONField(null=True, blank=True,
                               help_text="What the part did, kept for assembly (kinds that assemble only).")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(help_text="When the part was planned, claimed or last finished a try.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "job_id", "index"], name="jobpart_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.job_id}, part {self.index} ({self.state})"
