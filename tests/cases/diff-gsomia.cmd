diff rules/tisa-2014.accord rules/amendments/gsomia-2016.accord
