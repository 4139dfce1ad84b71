"""Re-exports for the imports other packages' files still make; the pipeline's modules are ``ingest``, ``run``,
``assemble``, ``export``, ``notebooks``, ``project`` and ``commentary``."""

from ncpm.pipeline.assemble import measure_tables  # noqa: F401  # TEMP-SHIM issue 13
from ncpm.pipeline.ingest import read_inputs  # noqa: F401  # TEMP-SHIM issue 13
from ncpm.pipeline.run import run  # noqa: F401  # TEMP-SHIM issue 13
