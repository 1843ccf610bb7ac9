{
    "name": "A view that does not validate",
    "version": "1.0",
    "depends": ["base"],
    "data": ["data/views.xml"],
}
