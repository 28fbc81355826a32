"""The shop: a tiny storefront with an order queue."""
