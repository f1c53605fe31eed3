diff --deny-new-permits rules/tisa-2014.accord rules/amendments/level-cap-2017.accord
