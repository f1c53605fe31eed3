check tests/cases/drop-entry-into-force.accord
