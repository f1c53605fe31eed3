lint tests/cases/long-line.accord
