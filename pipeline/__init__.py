"""duluan: theo dõi dư luận về y tế (health public-opinion monitoring), network-free stages."""
