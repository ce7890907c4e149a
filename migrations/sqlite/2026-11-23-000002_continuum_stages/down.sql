DELETE FROM continuum_stages;
