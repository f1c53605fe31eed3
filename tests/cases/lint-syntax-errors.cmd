lint tests/cases/syntax-errors.accord
