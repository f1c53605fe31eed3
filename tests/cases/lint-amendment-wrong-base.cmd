lint tests/cases/amendment-wrong-base.accord
