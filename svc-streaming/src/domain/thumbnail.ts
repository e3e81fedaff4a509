/**
 * Where a media item's thumbnail lives in the thumbnails bucket. The public URL carries
 * only the media id, so the key must follow from it; the thumbnailer writes here.
 */
export const thumbnailObjectKey = (mediaId: string) => `${mediaId}.jpg`;
