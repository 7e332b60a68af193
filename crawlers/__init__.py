"""The Scrapy project: the only code in duluan that touches the network."""
