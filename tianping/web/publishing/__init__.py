"""Reports and publication: annual monitoring and mid-term/final evaluation reports
drafted from stored data by tianping.reports in a background worker (huey), the
review → approval → publication workflow, department self-evaluations, and the
public portal (published reports and open data) that needs no login."""
