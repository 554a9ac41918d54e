"""The portal's routers: login, pages, exports, admin and the JSON API."""
