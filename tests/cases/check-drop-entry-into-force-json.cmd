check --format json tests/cases/drop-entry-into-force.accord
