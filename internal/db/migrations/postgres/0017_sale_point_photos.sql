-- 0017 sale-point photos (issue 7): the photos of a sale point, stored in
-- the shared media table by content hash like product photos and served
-- by /media/{hash}. Owned by package market.
-- Keep in step with ../sqlite/0017_sale_point_photos.sql.
CREATE TABLE sale_point_images (
    sale_point_id BIGINT NOT NULL REFERENCES sale_points(id) ON DELETE CASCADE,
    media_hash    TEXT NOT NULL REFERENCES media(hash),
    position      INTEGER NOT NULL,
    caption       TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sale_point_id, media_hash)
);
CREATE INDEX sale_point_images_media ON sale_point_images(media_hash);
