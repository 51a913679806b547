"""Test tooling shared by ``tests/`` and ``bench/`` (never imported by ``compliance_app``).

* :mod:`testkit.widgets`: put an answer into the wizard's widgets in Streamlit's ``AppTest``.
* :mod:`testkit.server`: start the real app (``streamlit run``) on a free 127.0.0.1 port.
* :mod:`testkit.wsclient`: a browser session without a browser (Streamlit's websocket protocol).
* :mod:`testkit.soak`: many simultaneous sessions walking an assessment (test and benchmark).

Every server and connection here is on the loopback address only.
"""
