// The same as core.mjs, written with aws-kinesis-agg as its README shows (deaggregateSync).
import awsKinesisAgg from 'aws-kinesis-agg';

export const handler = async (event) => {
  let userRecords = 0;
  for (const record of event.Records) {
    awsKinesisAgg.deaggregateSync(record.kinesis, true, (error, records) => {
      if (error) throw error;
      userRecords += records.length;
    });
  }
  return userRecords;
};
