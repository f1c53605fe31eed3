diff --deny-new-permits rules/tisa-2014.accord rules/amendments/gsomia-2016.accord
