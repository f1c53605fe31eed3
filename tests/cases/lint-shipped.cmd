lint rules/tisa-2014.accord rules/amendments/gsomia-2016.accord rules/amendments/level-cap-2017.accord rules/amendments/missile-warning-2023.accord rules/amendments/refactor-2015.accord
