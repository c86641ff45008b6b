"""A kernel kept warm for the learner's next page.

Voila (as the Jupyter server's extension, which is how the course is served)
starts a kernel for every page it opens, and a learner waits for it. The
server here keeps one Python kernel started ahead, with the widget library
and the course's page modules already imported, and hands it to the next page
that asks; another is started a moment later for the page after that.

The pool itself is hotpot_km's ``PooledMappingKernelManager`` (from the Voila
project); this class adapts the one thing it gets wrong with Voila 0.5: Voila
names its request variables with an ``Enum`` of strings, which hotpot_km
writes into the kernel as Python source and the kernel cannot read. Only the
variables that differ from the server's own environment are sent (the page's
address, its query string), so a pooled kernel takes them on in one small
execute request before the page's cells run.

Configuration (``share/jupyter/learner/jupyter_server_config.json``):
``ServerApp.kernel_manager_class`` names this class and
``LearnerKernelManager.kernel_pools`` sets how many kernels wait (one: the
memory a participant costs is in ``docs/deploy.md``'s capacity table).
"""

from __future__ import annotations

import os

from hotpot_km.client_helper import DeadKernelError
from hotpot_km.mapping import PooledMappingKernelManager


def _plain(env: dict) -> dict[str, str]:
    """Voila's request variables as plain strings, only those the server lacks."""
    plain = {str(getattr(key, "value", key)): str(getattr(value, "value", value))
             for key, value in env.items()}
    return {key: value for key, value in plain.items() if os.environ.get(key) != value}


class LearnerKernelManager(PooledMappingKernelManager):
    """One kernel started ahead for the learner's next page (hotpot_km's pool)."""

    async def _update_kernel(self, kernel_name, kernel_id_future, kwargs):
        if "env" in kwargs:
            kwargs = {**kwargs, "env": _plain(kwargs["env"])}
        return await super()._update_kernel(kernel_name, kernel_id_future, kwargs)

    async def _pop_pooled_kernel(self, kernel_name, kwargs):
        """A kernel from the pool, or, if it failed to warm up, DeadKernelError:
        the pool then starts a fresh kernel, so the page opens anyway."""
        task = self._pools[kernel_name].pop(0)
        try:
            return await self._update_kernel(kernel_name, task, kwargs)
        except DeadKernelError:
            raise
        except Exception as error:  # a warm-up that failed must not fail the page
            self.log.warning("A kernel started ahead could not be used (%s); starting a fresh one",
                             str(error).splitlines()[-1] if str(error) else type(error).__name__)
            if task.done() and not task.cancelled() and task.exception() is None:
                try:
                    await self.shutdown_kernel(task.result(), now=True)
                except Exception:  # already gone
                    pass
            raise DeadKernelError(str(error)) from error
