diff --format json rules/tisa-2014.accord rules/amendments/refactor-2015.accord
