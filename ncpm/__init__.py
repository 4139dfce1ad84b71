"""ncpm: National Crime and Policing Measures, from raw police data to the PCC's quarterly report."""

__version__ = "0.1.0"
