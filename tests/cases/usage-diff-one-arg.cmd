diff rules/tisa-2014.accord
