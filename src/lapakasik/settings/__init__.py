"""Settings, one module per concern, all read from environment variables (12-factor).

The embedded default (no variables set) is SQLite + local files + in-process services in
``LAPAKASIK_DATA_DIR`` (default ``./data``). Set ``LAPAKASIK_ENV=production`` for production
security settings (see ``security.py``).
"""

# ruff: noqa: I001  (order matters: later modules may read what earlier ones defined)
from .base import *  # noqa: F403
from .database import *  # noqa: F403
from .tasks import *  # noqa: F403
from .email import *  # noqa: F403
from .storage import *  # noqa: F403
from .service import *  # noqa: F403
from .intake import *  # noqa: F403
from .notifications import *  # noqa: F403
from .security import *  # noqa: F403
from .logging import *  # noqa: F403
