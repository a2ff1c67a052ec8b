// The AWS SDK side of the package, apart from index.ts: a bundle that splits its code keeps
// everything a barrel re-exports together, so a deploy to a folder would load the SDK with it.
export { createS3Client, type S3ClientOptions } from './s3-client';
export { s3Store, type S3StoreOptions } from './s3-store';
export { createCloudFrontClient, invalidateCloudFront, type InvalidateOptions } from './cloudfront';
