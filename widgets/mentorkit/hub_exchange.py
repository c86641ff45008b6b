"""nbgrader's exchange on a hub where each person is their own OS account.

nbgrader opens each submission's folder to every account (mode 0777, so that
the instructor can delete it later), counting on its unguessable name to hide
it. :class:`SubmitPrivately` is nbgrader's submit that leaves the folder
writable by its owner only; the participant's configuration selects it:

    c.ExchangeFactory.submit = "mentorkit.hub_exchange.SubmitPrivately"

nbgrader names a submission after the student id the submitter's own
configuration declares, so on a shared exchange one participant could file a
later submission under another's name, and ``nbgrader collect`` would take it
(it only warns about the owner). :class:`CollectOwnSubmissions` is nbgrader's
collect that keeps a submission only when its folder belongs to the account of
the participant it names. The facilitator's ``nbgrader_config.py`` selects it:

    c.ExchangeFactory.collect = "mentorkit.hub_exchange.CollectOwnSubmissions"

The account of a participant is their OS account (``pwd``) on one machine; on
Kubernetes, where the facilitator's container knows no other account, it is the
uid the hub gives that participant's pod (:func:`pod_uid`, the same rule as in
``deploy/jupyterhub/z2jh-values.yaml``).
"""

from __future__ import annotations

import hashlib
import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.submit import ExchangeSubmit

FIRST_POD_UID = 200_000
POD_UIDS = 1_000_000


def pod_uid(username: str) -> int:
    """The uid a participant's pod runs as on Kubernetes: stable, one per name."""
    digest = hashlib.sha256(username.encode("utf-8")).digest()
    return FIRST_POD_UID + int.from_bytes(digest[:8], "big") % POD_UIDS


def account_uid(username: str) -> int:
    try:
        return pwd.getpwnam(username).pw_uid
    except KeyError:
        return pod_uid(username)


class CollectOwnSubmissions(ExchangeCollect):
    """``nbgrader collect`` that takes only submissions filed by their own participant."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        try:
            record["owned"] = os.stat(path).st_uid == account_uid(record["username"])
        except OSError:
            record["owned"] = False
        return record

    def _sort_by_timestamp(self, records):
        # a participant's own submissions first, newest first
        return sorted(records, key=lambda item: (item.get("owned", False), item["timestamp"]), reverse=True)

    def copy_files(self):
        kept = []
        for record in self.src_records:
            if record.get("owned"):
                kept.append(record)
            else:
                self.log.warning("Not collected: %s names %s but was filed by another account.",
                                 record["filename"], record["username"])
        self.src_records = kept
        super().copy_files()


class SubmitPrivately(ExchangeSubmit):
    """``nbgrader submit`` whose submission only its owner can change (others can read
    it with its name, as the facilitator's collect must)."""

    def copy_files(self):
        super().copy_files()
        os.chmod(os.path.join(self.inbound_path, self.assignment_filename), 0o755)
