"""End-to-end tests: the real app (``streamlit run`` on 127.0.0.1) driven by headless Chromium
(Debian's ``chromium`` through Playwright) and by websocket clients."""
