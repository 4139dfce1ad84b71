"""The scheduled job, one idea a module: ``config`` (the configuration), ``ingest`` (reading the inputs, ``ncpm.load``),
``run`` (the scheduled run, published whole), ``stages`` (the ingest and a force's stages, reused or computed),
``manifest`` (outputs, the no-op check), ``records``, ``progress``, ``areas`` (the configured LPAs), ``assemble`` (figures, data sources, disclosure tables, the
report's model), ``export``, ``commentary`` (the OPCC template), ``notebooks``, ``project`` (the project folder and
the demo), ``layout`` (the names of a run's files) and ``results`` (a finished run read back).
Imports every layer below it; only ``ncpm.cli`` imports it."""
