DROP TABLE unconfirmed_addresses;
