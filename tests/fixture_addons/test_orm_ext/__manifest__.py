{
    "name": "ORM test extension",
    "version": "1.0",
    "depends": ["test_orm"],
    "data": ["data/test_orm_ext_data.xml"],
}
