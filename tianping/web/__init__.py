"""The Django project: organisations and accounts, plans and their indicator
framework, observations. Django stores and presents; tianping.core computes."""
