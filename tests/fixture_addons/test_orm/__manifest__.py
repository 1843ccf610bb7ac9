{
    "name": "ORM test models",
    "version": "1.0",
    "depends": ["base"],
    "data": ["data/test_orm_data.xml"],
}
