lint tests/cases/several-errors.accord
