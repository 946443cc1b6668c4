"""Platform adapters: each turns its platform's updates into Inbound and Deliveries into calls."""
