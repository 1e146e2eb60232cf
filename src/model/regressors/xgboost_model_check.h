// Checks an XGBoost model read from a file before XGBoost sees it. XGBoost trusts its input:
// a truncated UBJSON model made it allocate 11 GB for an array length read past the end, and a
// tree whose child index points outside the tree would be followed at prediction time. Model
// files come from users' disks, so twinprof checks what XGBoost would trust.
#ifndef TWINPROF_MODEL_REGRESSORS_XGBOOST_MODEL_CHECK_H_
#define TWINPROF_MODEL_REGRESSORS_XGBOOST_MODEL_CHECK_H_

#include <string>

namespace twinprof::model::regressors {

// Throws std::invalid_argument, saying what is wrong, unless `ubj` is well-formed UBJSON holding
// a gbtree regression model over `features` features with `trees` trees (any count when
// `trees` < 0), whose every tree is a tree: the nodes reachable from the root are each reached
// once, their children lie within the tree's node arrays, their split features below `features`,
// their split conditions finite and none of their splits categorical (twinprof writes none).
void CheckXgboostModel(const std::string& ubj, long features, long trees);

}  // namespace twinprof::model::regressors

#endif  // TWINPROF_MODEL_REGRESSORS_XGBOOST_MODEL_CHECK_H_
